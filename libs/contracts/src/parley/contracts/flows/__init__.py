"""Flow contracts: the graph a business draws, and the events and commands of a flow."""
