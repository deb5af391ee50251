# Lesson 10: namespaces. One command a line, exactly as you would type it in the terminal.

# 1. Start a container named web, with the hostname web, running sleep (forever) in the
#    background (-d), from the alpine image.

# 3. Enter web with a shell, write a note in /root/note, and leave.

