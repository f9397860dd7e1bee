namespace SecureFlow.Browser.Tests.Infrastructure;

/// <summary>Every browser await is bounded: by <see cref="BrowserApp.Timeout"/>, and by the test's own cancellation.</summary>
public static class Bounded
{
    public static Task Within(this Task task) => task.WaitAsync(BrowserApp.Timeout, TestContext.Current.CancellationToken);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(BrowserApp.Timeout, TestContext.Current.CancellationToken);
}
