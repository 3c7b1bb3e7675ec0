using PocDirectory.Benchmarks;

// dotnet run -c Release --project benchmarks/PocDirectory.Benchmarks -- [events] [pause-ms]     outbox latency
// ... -- ceiling-backend PORT BODY-FILE        a Kestrel endpoint returning a constant body
// ... -- ceiling-proxy PORT BACKEND-URL        a bare YARP proxy in front of it
switch (args.FirstOrDefault())
{
    case "ceiling-backend":
        await Ceiling.RunBackendAsync(int.Parse(args[1]), args[2]);
        break;
    case "ceiling-proxy":
        await Ceiling.RunProxyAsync(int.Parse(args[1]), args[2]);
        break;
    default:
        var count = args.Length > 0 ? int.Parse(args[0]) : 1000;
        var pause = TimeSpan.FromMilliseconds(args.Length > 1 ? double.Parse(args[1]) : 5);
        await OutboxLatency.RunAsync(count, pause);
        break;
}
