namespace VGate.Server.Execute;

/// <summary>An Execute statement cannot be answered; it is returned as the response's <c>error</c> (vtrpc.RPCError).</summary>
internal sealed class ExecuteException(Vtrpc.Code code, string message, Exception? inner = null) : Exception(message, inner)
{
    public Vtrpc.Code Code { get; } = code;
}
