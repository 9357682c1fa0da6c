// ExposureReport: see the module's README section in README.md.
