"""Operations that change several rows at once (accounts, imports); no Flask request in here."""
