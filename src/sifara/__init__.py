"""Sifara: digital diplomacy platform."""
