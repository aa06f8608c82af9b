"""Candidate generation and scoring: signals -> fused score -> verdict."""
