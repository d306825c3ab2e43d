"""Station software: the hot-folder watcher a tethered camera writes into (`tucai station watch`)."""
