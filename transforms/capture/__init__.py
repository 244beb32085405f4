"""Capture: serve a source on loopback, render each page in headless Chromium, extract elements."""
