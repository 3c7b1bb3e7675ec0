using PocDirectory.Benchmarks;

// dotnet run -c Release --project benchmarks/PocDirectory.Benchmarks -- [events] [pause-ms]
var count = args.Length > 0 ? int.Parse(args[0]) : 1000;
var pause = TimeSpan.FromMilliseconds(args.Length > 1 ? double.Parse(args[1]) : 5);
await OutboxLatency.RunAsync(count, pause);
