# Lesson 12: images, shared binaries and density.

# 1. One container from each image, both sleeping in the background:
#    "a" from alpine, "d" from debian:12.
container run -d --name a alpine sleep
container run -d --name d debian:12 sleep

# 2. A thousand more, from alpine (container run --count N starts N at once).
container run -d --count 1000 alpine sleep
