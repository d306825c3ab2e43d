"""The live capture day: per room and class slot, expected vs checked in vs photographed, kept from capture's
events and pushed to the browser as Server-Sent Events."""
