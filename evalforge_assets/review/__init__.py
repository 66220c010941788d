"""Group and review: fingerprints, signatures, review rules and the review service."""
