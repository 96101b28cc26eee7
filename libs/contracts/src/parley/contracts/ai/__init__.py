"""AI contracts: questions asked of a workspace's knowledge, and their answers."""
