# Lesson 15: availability, with the data centre's `dc` command.

# 1. Move web-1 to host-2 while it runs (host-1 needs maintenance).
dc migrate web-1 host-2

# 2. Try the same with cache, a memory-heavy VM, to host-3.
dc migrate cache host-3

# 3. host-2 fails.
dc fail-host host-2
