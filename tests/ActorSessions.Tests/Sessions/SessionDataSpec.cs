using System.Collections.Immutable;

namespace ActorSessions.Tests.Sessions;

public sealed class SessionDataSpec
{
    private static readonly ImmutableArray<byte> One = [1];
    private static readonly ImmutableArray<byte> Two = [2];

    [Fact]
    public void Default_is_the_empty_map()
    {
        SessionData data = default;

        Assert.True(data.IsEmpty);
        Assert.Empty(data);
        Assert.False(data.TryGetValue("k", out _));
        Assert.Equal(SessionData.Empty, data);
    }

    [Fact]
    public void SetItem_returns_a_new_map_and_leaves_the_original_unchanged()
    {
        var first = SessionData.Empty.SetItem("a", One);
        var second = first.SetItem("a", Two).SetItem("b", One);

        Assert.Equal([1], first["a"].ToArray());
        Assert.Single(first);
        Assert.Equal([2], second["a"].ToArray());
        Assert.Equal(2, second.Count);
    }

    [Fact]
    public void Remove_returns_a_new_map_and_ignores_a_missing_key()
    {
        var data = SessionData.Empty.SetItem("a", One).SetItem("b", Two);

        Assert.Equal(["b"], data.Remove("a").Keys);
        Assert.Equal(["a", "b"], data.Remove("absent").Keys);
        Assert.True(data.Remove("a").Remove("b").IsEmpty);
        Assert.Equal(2, data.Count);
    }

    [Fact]
    public void A_missing_key_throws_from_the_indexer_and_is_absent_otherwise()
    {
        var data = SessionData.Empty.SetItem("a", One);

        Assert.Throws<KeyNotFoundException>(() => data["b"]);
        Assert.False(data.ContainsKey("b"));
        Assert.True(data.ContainsKey("a"));
    }

    [Fact]
    public void Keys_are_ordinal_so_case_and_accents_make_different_keys()
    {
        var data = SessionData.Empty.SetItem("key", One).SetItem("Key", Two).SetItem("kéy", One).SetItem("KEY", Two);

        Assert.Equal(4, data.Count);
        Assert.Equal([2], data["Key"].ToArray());
        Assert.Equal([1], data["key"].ToArray());
        Assert.Equal(["KEY", "Key", "key", "kéy"], data.Keys);
    }

    [Fact]
    public void What_a_session_cannot_store_is_refused_when_the_map_is_built()
    {
        var data = SessionData.Empty.SetItem("a", One);

        Assert.Throws<ArgumentNullException>(() => data.SetItem(null!, One));
        Assert.Throws<ArgumentException>(() => data.SetItem("b", default));
        Assert.Throws<ArgumentException>(() => data.SetItems([new("b", One), new("c", default)]));
        Assert.Throws<ArgumentException>(() => SessionData.CreateRange([new("c", default)]));
        Assert.Throws<ArgumentException>(() => SessionData.CreateRange([new("c", One), new("c", Two)]));
        Assert.Throws<ArgumentNullException>(() => data.RemoveRange(["a", null!]));
        Assert.Throws<ArgumentNullException>(() => data.TryGetValue(null!, out _));

        Assert.Equal(["a"], data.Keys);
    }

    [Fact]
    public void SetItems_from_a_sequence_lets_a_later_item_win_and_copies_once()
    {
        var data = SessionData.Empty.SetItem("a", One).SetItem("c", One);

        var changed = data.SetItems([new("c", Two), new("b", One), new("b", Two)]);

        Assert.Equal(["a", "b", "c"], changed.Keys);
        Assert.Equal([2], changed["b"].ToArray());
        Assert.Equal([2], changed["c"].ToArray());
        Assert.Equal([1], data["c"].ToArray());
    }

    [Fact]
    public void SetItems_from_a_map_overwrites_the_keys_it_holds_and_keeps_the_rest()
    {
        var data = SessionData.CreateRange([new("a", One), new("c", One), new("e", One)]);
        var changes = SessionData.CreateRange([new("b", Two), new("c", Two), new("f", Two)]);

        var merged = data.SetItems(changes);

        Assert.Equal(["a", "b", "c", "e", "f"], merged.Keys);
        Assert.Equal([1, 2, 2, 1, 2], merged.Values.Select(v => v[0]));
        Assert.Equal(changes, SessionData.Empty.SetItems(changes));
        Assert.Equal(data, data.SetItems(SessionData.Empty));
    }

    [Fact]
    public void RemoveRange_removes_the_named_keys_and_ignores_the_rest()
    {
        var data = SessionData.CreateRange([new("a", One), new("b", One), new("c", One)]);

        Assert.Equal(["b"], data.RemoveRange(["a", "c", "absent"]).Keys);
        Assert.Equal(data, data.RemoveRange(["absent"]));
    }

    [Fact]
    public void Equality_compares_keys_and_bytes_not_identity()
    {
        var a = SessionData.Empty.SetItem("k", [1, 2]).SetItem("j", One);
        var b = SessionData.CreateRange([new("j", [1]), new("k", [1, 2])]);
        var c = b.SetItem("k", [1, 3]);

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.True(a != c);
        Assert.NotEqual(a, a.Remove("j"));
        Assert.Equal(new Session("A", default, default, 1, a), new Session("A", default, default, 1, b));
    }

    [Fact]
    public void Enumeration_is_in_ordinal_key_order_through_every_interface()
    {
        var data = SessionData.Empty.SetItem("b", Two).SetItem("a", One).SetItem("c", One);
        var viaStruct = new List<string>();
        foreach (var (key, _) in data)
        {
            viaStruct.Add(key);
        }

        IReadOnlyDictionary<string, ImmutableArray<byte>> dictionary = data;

        Assert.Equal(["a", "b", "c"], viaStruct);
        Assert.Equal(["a", "b", "c"], dictionary.Select(e => e.Key));
        Assert.Equal(["a", "b", "c"], dictionary.Keys);
        Assert.True(dictionary.TryGetValue("b", out var b));
        Assert.Equal([2], b.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Any_sequence_of_writes_reads_back_as_a_dictionary_does(int seed)
    {
        // A model check over both lookup paths: the scan of a few keys and the halving of many.
        var random = new Random(seed);
        var model = new Dictionary<string, byte>(StringComparer.Ordinal);
        var data = SessionData.Empty;
        for (var step = 0; step < 2_000; step++)
        {
            var key = $"k{random.Next(40)}";
            switch (random.Next(10))
            {
                case < 6:
                    var value = (byte)random.Next(256);
                    data = data.SetItem(key, [value]);
                    model[key] = value;
                    break;
                case < 9:
                    data = data.Remove(key);
                    model.Remove(key);
                    break;
                default:
                    var removed = Enumerable.Range(0, 5).Select(_ => $"k{random.Next(40)}").ToArray();
                    data = data.RemoveRange(removed);
                    foreach (var r in removed)
                    {
                        model.Remove(r);
                    }

                    break;
            }

            Assert.Equal(model.Count, data.Count);
            var probe = $"k{random.Next(40)}";
            Assert.Equal(model.TryGetValue(probe, out var expected), data.TryGetValue(probe, out var actual));
            if (model.ContainsKey(probe))
            {
                Assert.Equal(expected, actual[0]);
            }
        }

        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), data.Keys);
        Assert.All(model, e => Assert.Equal(e.Value, data[e.Key][0]));
    }
}
