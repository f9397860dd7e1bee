namespace SecureFlow.Gateway.Inspection;

internal static class RequestInspectionStep
{
    /// <summary>Runs the registered <see cref="IRequestInspector"/>s in the proxy pipeline, before forwarding.</summary>
    public static IApplicationBuilder UseRequestInspection(this IApplicationBuilder proxy)
    {
        var inspectors = proxy.ApplicationServices.GetServices<IRequestInspector>().ToArray();
        if (inspectors.Length == 0)
        {
            return proxy;
        }

        return proxy.Use(async (context, next) =>
        {
            foreach (var inspector in inspectors)
            {
                if (!await inspector.InspectAsync(context).ConfigureAwait(false))
                {
                    return;
                }
            }

            await next(context).ConfigureAwait(false);
        });
    }
}
