"""The allocation planner (情景推演): calibration, projection, recommendation."""
