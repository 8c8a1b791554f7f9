using VGate.VStreamer.Filtering;

namespace VGate.VStreamer.Tests.Filtering;

/// <summary>
/// Vitess's own cases for <c>schema.IsInternalOperationTableName</c>: vitessio/vitess go/vt/schema/name_test.go
/// (TestIsInternalOperationTableName, both lists) and tablegc_test.go / TestNameIsGCTableName's irrelevant names.
/// </summary>
public sealed class InternalTableNamesTests
{
    [Theory]
    [InlineData("_4e5dcf80_354b_11eb_82cd_f875a4d24e90_20201203114014_gho")]
    [InlineData("_4e5dcf80_354b_11eb_82cd_f875a4d24e90_20201203114014_ghc")]
    [InlineData("_4e5dcf80_354b_11eb_82cd_f875a4d24e90_20201203114014_del")]
    [InlineData("_4e5dcf80_354b_11eb_82cd_f875a4d24e90_20201203114013_new")]
    [InlineData("_84371a37_6153_11eb_9917_f875a4d24e90_20210128122816_vrepl")]
    [InlineData("_table_old")]
    [InlineData("__table_old")]
    [InlineData("_vt_DROP_6ace8bcef73211ea87e9f875a4d24e90_20200915120410")]
    [InlineData("_vt_HOLD_6ace8bcef73211ea87e9f875a4d24e90_20200915120410")]
    [InlineData("_vt_EVAC_6ace8bcef73211ea87e9f875a4d24e90_20200915120410")]
    [InlineData("_vt_PURGE_6ace8bcef73211ea87e9f875a4d24e90_20200915120410")]
    [InlineData("_vt_drp_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_")]
    [InlineData("_vt_hld_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_")]
    [InlineData("_vt_prg_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_")]
    [InlineData("_vt_evc_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_")]
    [InlineData("_vt_vrp_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_")]
    [InlineData("_vt_gho_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_")]
    [InlineData("_vt_ghc_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_")]
    [InlineData("_vt_xyz_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_")]
    public void IsInternalOperationTable_VitessInternalName_True(string table) =>
        Assert.True(InternalTableNames.IsInternalOperationTable(table));

    [Theory]
    [InlineData("t")]
    [InlineData("_table_new")]
    [InlineData("__table_new")]
    [InlineData("_table_gho")]
    [InlineData("_table_ghc")]
    [InlineData("_table_del")]
    [InlineData("table_old")]
    [InlineData("vt_onlineddl_test_02")]
    [InlineData("_vt_DROP_6ace8bcef73211ea87e9f875a4d24e90_202009151204100")]
    [InlineData("_vt_DROP_6ace8bcef73211ea87e9f875a4d24e90_20200915120410 ")]
    [InlineData("__vt_DROP_6ace8bcef73211ea87e9f875a4d24e90_20200915120410")]
    [InlineData("_vt_DROP_6ace8bcef73211ea87e9f875a4d2_20200915120410")]
    [InlineData("_vt_DROP_6ace8bcef73211ea87e9f875a4d24e90_20200915")]
    [InlineData("_vt_OTHER_6ace8bcef73211ea87e9f875a4d24e90_20200915120410")]
    [InlineData("_vt_OTHER_6ace8bcef73211ea87e9f875a4d24e90_zz20200915120410")]
    // Go's $ never matches before a trailing newline; the .NET pattern must not either.
    [InlineData("_vt_HOLD_6ace8bcef73211ea87e9f875a4d24e90_20200915120410\n")]
    [InlineData("_table_old\n")]
    public void IsInternalOperationTable_OrdinaryName_False(string table) =>
        Assert.False(InternalTableNames.IsInternalOperationTable(table));
}
