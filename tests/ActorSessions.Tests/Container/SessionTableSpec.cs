namespace ActorSessions.Tests.Container;

/// <summary>
/// The table against a plain model, over thousands of random operations: any slip in the hand-made
/// lists or the slot index shows up as a difference.
/// </summary>
public sealed class SessionTableSpec
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_operations_keep_the_table_equal_to_a_simple_model(int seed)
    {
        var random = new Random(seed);
        var table = new SessionTable();
        var model = new Dictionary<string, (long Created, long Touched)>();
        var ids = new SessionIdGenerator(20);
        long clock = 0;

        for (var step = 0; step < 20_000; step++)
        {
            clock++;
            var held = model.Keys.ToArray();
            switch (random.Next(10))
            {
                case < 4:
                    var id = ids.Next();
                    table.Add(id, default, createdAtTicks: clock, timestamp: clock);
                    model[id] = (clock, clock);
                    break;
                case < 6 when held.Length > 0:
                    var touched = held[random.Next(held.Length)];
                    table.Touch(table.Find(touched), clock, clock);
                    model[touched] = (model[touched].Created, clock);
                    break;
                case < 8 when held.Length > 0:
                    var removed = held[random.Next(held.Length)];
                    table.Remove(table.Find(removed));
                    model.Remove(removed);
                    break;
                case < 9 when held.Length > 0:
                    var renamed = held[random.Next(held.Length)];
                    var newId = ids.Next();
                    table.Rename(table.Find(renamed), newId);
                    model[newId] = model[renamed];
                    model.Remove(renamed);
                    break;
                case 9:
                    // Warming reads ahead for a batch: held ids, unknown ids and gaps; it must change nothing.
                    var batch = Enumerable.Range(0, random.Next(1, 80))
                        .Select(_ => random.Next(3) switch
                        {
                            0 when held.Length > 0 => held[random.Next(held.Length)],
                            1 => ids.Next(),
                            _ => null,
                        })
                        .ToArray();
                    table.Warm(batch);
                    break;
            }

            if (step % 1_000 == 0)
            {
                AssertSame(table, model);
            }
        }

        AssertSame(table, model);
    }

    private static void AssertSame(SessionTable table, Dictionary<string, (long Created, long Touched)> model)
    {
        Assert.Equal(model.Count, table.Count);
        Assert.Equal(SessionTable.None, table.Find("never-issued-id-0000"));
        foreach (var (id, stamps) in model)
        {
            var slot = table.Find(id);
            Assert.NotEqual(SessionTable.None, slot);
            Assert.Equal(id, table[slot].Id);
            Assert.Equal(stamps.Touched, table[slot].LastTouched);
        }

        Assert.Equal(model.OrderBy(m => m.Value.Touched).Select(m => m.Key), Walk(table, table.LeastRecentlyTouched, e => e.IdleNext));
        Assert.Equal(model.OrderBy(m => m.Value.Created).Select(m => m.Key), Walk(table, table.OldestCreated, e => e.AgeNext));
    }

    private static List<string> Walk(SessionTable table, int head, Func<SessionTable.Entry, int> next)
    {
        var ids = new List<string>();
        for (var slot = head; slot != SessionTable.None; slot = next(table[slot]))
        {
            ids.Add(table[slot].Id!);
        }

        return ids;
    }

    [Fact]
    public void Every_session_stays_findable_while_the_index_doubles_a_few_buckets_at_a_time()
    {
        // 3,000 sessions pass the doublings at 64, 128, ... 2,048 buckets; each is spread over many
        // additions, so the checks below land in the middle of them, with removals in between.
        var table = new SessionTable();
        var ids = new SessionIdGenerator(20);
        var held = new List<string>();
        var removed = new List<string>();
        for (var i = 0; i < 3_000; i++)
        {
            var id = ids.Next();
            table.Add(id, default, i, i);
            held.Add(id);
            if (i % 5 == 4)
            {
                var gone = held[i % held.Count];
                table.Remove(table.Find(gone));
                held.Remove(gone);
                removed.Add(gone);
            }

            if (i % 7 == 0)
            {
                Assert.Equal(held.Count, table.Count);
                Assert.All(held, h => Assert.Equal(h, table[table.Find(h)].Id));
                Assert.All(removed, r => Assert.Equal(SessionTable.None, table.Find(r)));
            }
        }
    }

    [Fact]
    public void Adding_an_id_already_held_is_refused_and_changes_nothing()
    {
        var table = new SessionTable();
        var slot = table.Add("AAAAAAAAAAAAAAAAAAAA", default, 1, 1);

        Assert.Throws<InvalidOperationException>(() => table.Add("AAAAAAAAAAAAAAAAAAAA", default, 2, 2));
        Assert.Equal(1, table.Count);
        Assert.Equal(slot, table.Find("AAAAAAAAAAAAAAAAAAAA"));
        Assert.Equal(1, table[slot].LastTouched);
    }

    [Fact]
    public void Lookups_after_a_warm_up_find_the_same_slots_in_any_order()
    {
        var table = new SessionTable();
        var ids = new SessionIdGenerator(20);
        var held = Enumerable.Range(0, 500).Select(_ => ids.Next()).ToArray();
        var slots = held.ToDictionary(id => id, id => table.Add(id, default, 1, 1));
        var warmed = held.Take(64).Select(id => (string?)id).ToArray();
        warmed[3] = null;
        warmed[10] = ids.Next();

        table.Warm(warmed);

        // Out of order, skipping some, with ids that were not warmed and copies of warmed ids in between.
        foreach (var id in warmed.Reverse().Concat(held.Skip(60)).Concat(warmed))
        {
            if (id is not null)
            {
                Assert.Equal(slots.GetValueOrDefault(id, SessionTable.None), table.Find(new string(id.AsSpan())));
                Assert.Equal(slots.GetValueOrDefault(id, SessionTable.None), table.Find(id));
            }
        }
    }

    [Fact]
    public void Freed_slots_are_reused_and_hold_no_references()
    {
        var table = new SessionTable();
        var first = table.Add("AAAAAAAAAAAAAAAAAAAA", SessionData.Empty.SetItem("k", [1]), 1, 1);
        table.Remove(first);

        Assert.Null(table[first].Id);
        Assert.True(table[first].Data.IsEmpty);
        Assert.Equal(first, table.Add("BBBBBBBBBBBBBBBBBBBB", default, 2, 2));
        Assert.Equal(SessionTable.None, table.Find("AAAAAAAAAAAAAAAAAAAA"));
    }
}
