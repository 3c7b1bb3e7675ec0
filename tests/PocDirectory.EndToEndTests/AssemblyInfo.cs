// Each collection starts a whole system (servers and seven services); two at once would only compete
// for the machine's cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
