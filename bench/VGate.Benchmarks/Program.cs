using BenchmarkDotNet.Running;
using VGate.Benchmarks;

if (args is ["quick", .. var rest])
{
    QuickParse.Run(rest);
    return;
}

if (args is ["profile", .. var profileArgs])
{
    ProfileLoop.Run(profileArgs);
    return;
}

if (args is ["metrics-quick", .. var quickArgs])
{
    MetricsExporterQuick.Run(quickArgs);
    return;
}

if (args is ["metrics-startup", .. var metricsArgs])
{
    MetricsExporterStartup.Run(metricsArgs);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickParse).Assembly).Run(args);
