// Every test here starts several mariadbd processes and a gateway, and some measure the server's memory: running
// them one at a time keeps the two-core machines they run on from timing out and keeps the measurements clean.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
