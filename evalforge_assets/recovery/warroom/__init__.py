"""The Slack war room: the Slack gateway, its errors and the routing file of responders."""
