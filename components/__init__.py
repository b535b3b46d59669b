"""Streamlit only: each module renders one thing, takes data and a key, returns the choice."""
