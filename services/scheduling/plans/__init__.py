"""Plans of a capture day: the allocation instance built from the approved students, solved (inline when small,
as a kernel job when large), moved by hand, published (an event), re-planned keeping unaffected classes."""
