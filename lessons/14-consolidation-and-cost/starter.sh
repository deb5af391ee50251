# Lesson 14: consolidation and cost, with the data centre's `dc` command.

# 1. Consolidate the eight services. A cautious target keeps every host below 30% CPU:
dc consolidate --policy first-fit --target 0.3

# 2. The total cost of ownership, with electricity at 0.30 per kWh:

