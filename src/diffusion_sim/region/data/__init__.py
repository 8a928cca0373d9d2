"""The shipped CBS municipality data, hospital sites and region presets (sources in README.md)."""
