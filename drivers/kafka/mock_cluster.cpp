// placeholder until the Kafka relay lands (same session)
