using VGate.Kafka.Cli;

// vgate-kafka: the Kafka sink as its own process (the same command as `vgate kafka-sink`).
return await KafkaSinkCommand.RunAsync(args, Console.Out, Console.Error, "vgate-kafka", CancellationToken.None);
