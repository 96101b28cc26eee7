"""Campaign contracts: broadcasts of a template, or enrollments into a flow, to a segment."""
