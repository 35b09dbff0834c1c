"""Building the outputs: the builders by name, the unit list Make and Snakemake
run, the build itself, what each unit's output is now, and the release."""
