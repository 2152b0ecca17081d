"""The corpus of regulations the law is made of: the USML (22 CFR 121.1), the CCL (Supp. No. 1 to
15 CFR part 774), the supplements to 22 CFR part 126, countries and their dated memberships,
the classification rule sets, references, the bundled files and their verification — and the
:class:`~exportctl.corpus.law.Law` value that holds them as in force on a date."""
