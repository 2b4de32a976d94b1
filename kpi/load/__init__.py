"""Stage 2, load: raw text tables -> typed canonical tables -> :class:`kpi.model.LoadedData`."""
