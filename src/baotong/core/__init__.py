"""Building blocks with no domain knowledge: errors that carry data, enums, the clock."""
