"""The classify workflow in the window: controller, worker jobs, the classify and batch panels.
"""
