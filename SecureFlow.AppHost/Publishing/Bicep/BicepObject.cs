using System.Collections;

namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>
/// A Bicep object literal, written in the order its properties were added. A property may carry a comment: the
/// risk the control closes, written above it.
/// </summary>
internal sealed class BicepObject : IEnumerable<BicepProperty>
{
    private readonly List<BicepProperty> properties = [];

    public void Add(string name, object value) => properties.Add(new BicepProperty(name, value, Why: null));

    /// <summary>Adds a property with a comment saying why it is set.</summary>
    public void Add(string name, object value, string why) => properties.Add(new BicepProperty(name, value, why));

    public IEnumerator<BicepProperty> GetEnumerator() => properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
