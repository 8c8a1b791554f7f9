using BenchmarkDotNet.Running;
using VGate.Benchmarks;

if (args is ["quick", .. var rest])
{
    QuickParse.Run(rest);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
