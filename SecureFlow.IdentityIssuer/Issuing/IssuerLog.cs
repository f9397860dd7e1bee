using Microsoft.Extensions.Logging;

namespace SecureFlow.IdentityIssuer.Issuing;

internal static partial class IssuerLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Service identities not issued: {Reason}")]
    public static partial void Failed(ILogger logger, string reason);
}
