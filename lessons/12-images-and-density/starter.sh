# Lesson 12: images, shared binaries and density.

# 1. One container from each image, both sleeping in the background:
#    "a" from alpine, "d" from debian:12.

# 2. A thousand more, from alpine (container run --count N starts N at once).

