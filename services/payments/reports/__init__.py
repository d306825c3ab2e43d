"""Reports: per school and class, what is expected (photographed × fee), paid, refunded and outstanding; CSV/xlsx."""
