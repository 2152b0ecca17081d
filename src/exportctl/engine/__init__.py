"""The engines: classification (22 CFR 120.11; Supp. No. 4 to 15 CFR part 774), exemptions for
transfers (§ 126.1 first, then every exemption the law holds), and batch decisions."""
