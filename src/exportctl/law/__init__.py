"""The law as a value: the USML, the CCL, the supplements to part 126, countries, rule sets and
exemptions, in the editions and versions in force on a date."""
