"""Operations: backup, deployment checks, pinned front-end assets, demo data, the instance secret."""
