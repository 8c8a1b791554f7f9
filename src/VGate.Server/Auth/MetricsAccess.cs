using System.Net.Http.Headers;
using System.Text;
using VGate.Server.Logging;

namespace VGate.Server.Auth;

/// <summary>
/// Authentication of <c>GET /metrics</c> when authentication is on: a client certificate that identifies a user, HTTP
/// Basic credentials of a users-file user (what Prometheus' <c>basic_auth</c> sends), or the gRPC-style <c>username</c>
/// and <c>password</c> headers. Any authenticated user may read the metrics.
/// </summary>
internal static class MetricsAccess
{
    public static bool IsAllowed(HttpContext http, SecurityState state)
    {
        if (!state.AuthenticationRequired)
            return true;
        var (user, password) = Credentials(http.Request);
        var (caller, _) = StaticAuthInterceptor.Identify(state, http.Connection.ClientCertificate, user, password);
        if (caller is null)
        {
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MetricsAccess));
            Log.MetricsDenied(logger, $"{http.Connection.RemoteIpAddress}:{http.Connection.RemotePort}");
        }
        return caller is not null;
    }

    /// <summary>401 with a Basic challenge, so scrapers and browsers know what to send.</summary>
    public static IResult Challenge(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"vgate\", charset=\"UTF-8\"";
        return Results.Text("credentials required\n", "text/plain", statusCode: StatusCodes.Status401Unauthorized);
    }

    private static (string? User, string? Password) Credentials(HttpRequest request)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } parameter)
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                    return (text[..colon], text[(colon + 1)..]);
            }
            catch (FormatException)
            {
            }
            return (null, null);
        }
        var user = request.Headers["username"].ToString();
        return (user.Length == 0 ? null : user, request.Headers.TryGetValue("password", out var password) ? password.ToString() : null);
    }
}
