"""The outbound app: webhook deliveries and emails leave the stage through one queue and one worker."""
