using VGate.Server;

var app = VGateServer.Build(VGateServer.CreateBuilder(args));
await app.RunAsync();
