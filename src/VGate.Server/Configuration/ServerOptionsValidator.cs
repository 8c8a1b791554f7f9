using Microsoft.Extensions.Options;

namespace VGate.Server.Configuration;

/// <summary>Start-up checks of <see cref="ServerOptions"/> (the security settings: <see cref="SecurityOptionsValidator"/>).</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Cell))
            failures.Add("VGate:Server:Cell is empty.");
        if (options.MaxErrorMessageBytes < 64)
            failures.Add($"VGate:Server:MaxErrorMessageBytes must be at least 64, not {options.MaxErrorMessageBytes}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
