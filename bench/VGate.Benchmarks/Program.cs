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

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
