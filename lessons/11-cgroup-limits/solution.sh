# Lesson 11: cgroup limits. Each container below misbehaves on purpose.
# Give each one a limit (container run --pids-limit N, --memory SIZE, --cpus FRACTION).

# A fork bomb: every process forks forever. Without a limit it fills the host's whole
# process table (32767 processes) and nothing else can start: give it a limit first,
# then remove the # in front of the line.
container run -d --name bomb --pids-limit 20 alpine forkbomb

# A memory hog: grabs 1 MiB after another (it stops by itself at 32 MiB here).
container run --name hog --memory 8m alpine hog 32

# A spinner: never sleeps.
container run -d --name spinner --cpus 0.5 alpine spin

# Let them run for a tenth of a second.
sleep 0.1
