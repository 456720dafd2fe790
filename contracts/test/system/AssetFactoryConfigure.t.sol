// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SystemFixture} from "./SystemFixture.sol";
import {AssetFactory} from "../../src/system/factories/AssetFactory.sol";
import {SystemRegistry} from "../../src/system/SystemRegistry.sol";
import {KeelDirectory} from "../../src/system/KeelDirectory.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelVotesToken} from "../../src/token/KeelVotesToken.sol";
import {KeelBondToken} from "../../src/token/KeelBondToken.sol";
import {KeelFundToken} from "../../src/token/KeelFundToken.sol";
import {KeelStablecoinToken} from "../../src/token/KeelStablecoinToken.sol";
import {ModularCompliance} from "../../src/compliance/ModularCompliance.sol";
import {IKeelCompliance} from "../../src/compliance/interfaces/IKeelCompliance.sol";
import {ComplianceModuleBase} from "../../src/compliance/modules/ComplianceModuleBase.sol";
import {CountryAllowListModule} from "../../src/compliance/modules/CountryAllowListModule.sol";
import {MaxBalanceModule} from "../../src/compliance/modules/MaxBalanceModule.sol";
import {SupplyLimitModule} from "../../src/compliance/modules/SupplyLimitModule.sol";
import {TransferApprovalModule} from "../../src/compliance/modules/TransferApprovalModule.sol";
import {IdentityFactory} from "../../src/identity/IdentityFactory.sol";
import {IdentityRegistry} from "../../src/identity/IdentityRegistry.sol";
import {TrustedIssuersRegistry} from "../../src/identity/TrustedIssuersRegistry.sol";
import {KeelClaimIssuer} from "../../src/identity/KeelClaimIssuer.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";
import {IClaimIssuer} from "../../src/interfaces/onchainid/IClaimIssuer.sol";

/// @dev A module whose only config call always fails (registered by the test).
contract ConfigRejectingModule is ComplianceModuleBase {
    error ConfigRejected(uint256 tag);

    function hooks() external pure returns (uint8) {
        return 0;
    }

    function name() external pure returns (string memory) {
        return "ConfigRejecting";
    }

    function configure(uint256 tag) external view onlyEngine {
        revert ConfigRejected(tag);
    }

    function checkTransfer(address, address, address, uint256) external view {}
}

/// @notice `createAsset` configures a whole asset atomically: modules with their config
/// calls, features, extra role grants, unpause — and the factory keeps no role.
contract AssetFactoryConfigureTest is SystemFixture {
    address internal issuerAdmin = makeAddr("issuerAdmin");
    address internal minter = makeAddr("minter");
    address internal agent = makeAddr("agent");
    address internal manager = makeAddr("manager");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    uint256 internal constant EQUITY = 1;

    event AssetConfigured(
        address indexed token, address[] modules, uint256 features, uint256 cap, uint256 roleGrants, bool unpaused
    );

    function _module(uint256 i) internal view returns (address) {
        return impls.complianceModules[i];
    }

    /// @dev Country allow list (US allowed), max balance 100, supply limit cap 1000.
    function _fullRequest() internal view returns (AssetFactory.AssetRequest memory r) {
        uint256[] memory topics = new uint256[](1);
        topics[0] = KYC;
        r = _request(EQUITY, issuerAdmin, topics);
        r.modules = new AssetFactory.ComplianceModule[](3);
        bytes[] memory countryCalls = new bytes[](2);
        countryCalls[0] = abi.encodeCall(CountryAllowListModule.setCountryAllowed, (840, true));
        countryCalls[1] = abi.encodeCall(CountryAllowListModule.setCountryAllowed, (276, true));
        r.modules[0] = AssetFactory.ComplianceModule({module: _module(0), configCalls: countryCalls});
        bytes[] memory maxCalls = new bytes[](1);
        maxCalls[0] = abi.encodeCall(MaxBalanceModule.setMaxBalance, (100));
        r.modules[1] = AssetFactory.ComplianceModule({module: _module(4), configCalls: maxCalls});
        r.modules[2] = AssetFactory.ComplianceModule({module: _module(6), configCalls: new bytes[](0)});
        r.cap = 1_000;
        r.historicalBalances = true;
        r.roleGrants = new AssetFactory.RoleGrant[](3);
        r.roleGrants[0] = AssetFactory.RoleGrant({role: KeelRoles.SUPPLY_MANAGEMENT_ROLE, account: minter});
        r.roleGrants[1] = AssetFactory.RoleGrant({role: KeelRoles.COMPLIANCE_AGENT_ROLE, account: agent});
        r.roleGrants[2] = AssetFactory.RoleGrant({role: KeelRoles.COMPLIANCE_MANAGER_ROLE, account: manager});
        r.unpause = true;
    }

    function test_createAsset_configuresEverythingInOneTransaction() public {
        AssetFactory.Asset memory a = AssetFactory(sys.factories[EQUITY]).createAsset(_fullRequest());
        KeelToken t = KeelToken(a.token);
        ModularCompliance c = ModularCompliance(a.compliance);

        address[] memory bound = c.getModules();
        assertEq(bound.length, 3);
        assertEq(bound[0], _module(0));
        assertEq(bound[1], _module(4));
        assertEq(bound[2], _module(6));
        assertTrue(CountryAllowListModule(_module(0)).isCountryAllowed(a.compliance, 840));
        assertTrue(CountryAllowListModule(_module(0)).isCountryAllowed(a.compliance, 276));
        assertFalse(CountryAllowListModule(_module(0)).isCountryAllowed(a.compliance, 250));
        assertEq(MaxBalanceModule(_module(4)).maxBalance(a.compliance), 100);

        assertEq(t.cap(), 1_000);
        assertTrue(t.historicalBalancesEnabled());
        assertFalse(t.paused());
        assertTrue(t.hasRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, minter));
        assertTrue(c.hasRole(KeelRoles.COMPLIANCE_AGENT_ROLE, agent));
        assertTrue(c.hasRole(KeelRoles.COMPLIANCE_MANAGER_ROLE, manager));
        assertTrue(c.hasRole(c.DEFAULT_ADMIN_ROLE(), issuerAdmin));
        assertTrue(c.hasRole(KeelRoles.COMPLIANCE_MANAGER_ROLE, issuerAdmin));
        assertTrue(t.hasRole(t.DEFAULT_ADMIN_ROLE(), issuerAdmin));
        assertTrue(t.hasRole(KeelRoles.EMERGENCY_ROLE, issuerAdmin));
        _assertFactoryHoldsNoRole(t, c, sys.factories[EQUITY]);
        // Nor any key on the asset's identity (the admin owns it).
        KeelIdentity id = KeelIdentity(payable(a.onchainID));
        for (uint256 purpose = 1; purpose <= 4; ++purpose) {
            assertFalse(id.keyHasPurpose(keccak256(abi.encode(sys.factories[EQUITY])), purpose));
        }
        assertTrue(id.keyHasPurpose(keccak256(abi.encode(issuerAdmin)), 1));
        assertTrue(SystemRegistry(sys.systemRegistry).isAsset(a.token));
    }

    /// @dev Every role id either contract knows, checked for the factory.
    function _assertFactoryHoldsNoRole(KeelToken t, ModularCompliance c, address factory) internal view {
        bytes32[9] memory roles = [
            bytes32(0),
            KeelRoles.GOVERNANCE_ROLE,
            KeelRoles.SUPPLY_MANAGEMENT_ROLE,
            KeelRoles.CUSTODIAN_ROLE,
            KeelRoles.EMERGENCY_ROLE,
            KeelRoles.COMPLIANCE_MANAGER_ROLE,
            KeelRoles.COMPLIANCE_AGENT_ROLE,
            KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE,
            KeelSystemRoles.IDENTITY_MANAGER_ROLE
        ];
        for (uint256 i = 0; i < roles.length; ++i) {
            assertFalse(t.hasRole(roles[i], factory), "token role kept");
            assertFalse(c.hasRole(roles[i], factory), "compliance role kept");
        }
    }

    function test_createAsset_noOptions_factoryKeepsNoRoleOnEitherContract() public {
        for (uint256 k = 0; k < 5; ++k) {
            AssetFactory.Asset memory a = _create(k, issuerAdmin);
            _assertFactoryHoldsNoRole(KeelToken(a.token), ModularCompliance(a.compliance), sys.factories[k]);
            assertTrue(KeelToken(a.token).paused());
            assertEq(KeelToken(a.token).cap(), 0);
            assertEq(ModularCompliance(a.compliance).getModules().length, 0);
        }
    }

    function test_createAsset_emitsAssetConfigured() public {
        AssetFactory.AssetRequest memory r = _fullRequest();
        address[] memory modules = new address[](3);
        modules[0] = _module(0);
        modules[1] = _module(4);
        modules[2] = _module(6);
        vm.expectEmit(false, false, false, true, sys.factories[EQUITY]);
        emit AssetConfigured(address(0), modules, 1, 1_000, 3, true);
        AssetFactory(sys.factories[EQUITY]).createAsset(r);
    }

    function test_createAsset_failingConfigCallRevertsEverything() public {
        ConfigRejectingModule bad = new ConfigRejectingModule();
        SystemRegistry(sys.systemRegistry).registerComplianceModule(address(bad));
        AssetFactory.AssetRequest memory r = _fullRequest();
        bytes[] memory calls = new bytes[](1);
        calls[0] = abi.encodeCall(ConfigRejectingModule.configure, (7));
        AssetFactory.ComplianceModule[] memory mods = new AssetFactory.ComplianceModule[](4);
        for (uint256 i = 0; i < 3; ++i) {
            mods[i] = r.modules[i];
        }
        mods[3] = AssetFactory.ComplianceModule({module: address(bad), configCalls: calls});
        r.modules = mods;
        uint256 before = SystemRegistry(sys.systemRegistry).assetCount();
        vm.expectRevert(abi.encodeWithSelector(ConfigRejectingModule.ConfigRejected.selector, 7));
        AssetFactory(sys.factories[EQUITY]).createAsset(r);
        assertEq(SystemRegistry(sys.systemRegistry).assetCount(), before);
    }

    function test_createAsset_failingConfigOfRealModuleReverts() public {
        AssetFactory.AssetRequest memory r = _fullRequest();
        // The compliance is not a compliance agent of itself: the module refuses it.
        bytes[] memory calls = new bytes[](1);
        calls[0] = abi.encodeCall(
            TransferApprovalModule.approveTransfer, (address(sys.factories[EQUITY]), address(1), alice, bob, 1)
        );
        r.modules[2] = AssetFactory.ComplianceModule({module: _module(9), configCalls: calls});
        vm.expectRevert();
        AssetFactory(sys.factories[EQUITY]).createAsset(r);
        assertEq(SystemRegistry(sys.systemRegistry).assetCount(), 0);
    }

    function test_createAsset_unknownModuleRefused() public {
        AssetFactory.AssetRequest memory r = _fullRequest();
        address rogue = address(new CountryAllowListModule());
        r.modules[1].module = rogue;
        vm.expectRevert(abi.encodeWithSelector(AssetFactory.ComplianceModuleNotRegistered.selector, rogue));
        AssetFactory(sys.factories[EQUITY]).createAsset(r);
    }

    function test_createAsset_removedModuleRefused() public {
        SystemRegistry(sys.systemRegistry).removeComplianceModule(_module(4));
        vm.expectRevert(abi.encodeWithSelector(AssetFactory.ComplianceModuleNotRegistered.selector, _module(4)));
        AssetFactory(sys.factories[EQUITY]).createAsset(_fullRequest());
    }

    function test_createAsset_duplicateModuleReverts() public {
        AssetFactory.AssetRequest memory r = _fullRequest();
        r.modules[2] = r.modules[0];
        vm.expectRevert();
        AssetFactory(sys.factories[EQUITY]).createAsset(r);
    }

    function test_createAsset_invalidRoleGrantsRefused() public {
        AssetFactory.AssetRequest memory r = _fullRequest();
        r.roleGrants[0].account = address(0);
        vm.expectRevert(
            abi.encodeWithSelector(AssetFactory.InvalidRoleGrant.selector, KeelRoles.SUPPLY_MANAGEMENT_ROLE, address(0))
        );
        AssetFactory(sys.factories[EQUITY]).createAsset(r);
        r.roleGrants[0].account = sys.factories[EQUITY];
        vm.expectRevert(
            abi.encodeWithSelector(
                AssetFactory.InvalidRoleGrant.selector, KeelRoles.SUPPLY_MANAGEMENT_ROLE, sys.factories[EQUITY]
            )
        );
        AssetFactory(sys.factories[EQUITY]).createAsset(r);
    }

    function test_createAsset_votingRefusedByKindsWithoutIt() public {
        uint8[3] memory kinds = [0, 3, 4]; // bond (history forced), stablecoin, deposit
        uint256[3] memory expected = [uint256(3), 2, 2];
        for (uint256 i = 0; i < 3; ++i) {
            AssetFactory.AssetRequest memory r = _request(kinds[i], issuerAdmin, new uint256[](0));
            r.voting = true;
            vm.expectRevert(abi.encodeWithSelector(KeelToken.UnsupportedFeatures.selector, expected[i]));
            AssetFactory(sys.factories[kinds[i]]).createAsset(r);
        }
    }

    function test_createAsset_votingForEquityAndFund() public {
        for (uint256 k = 1; k <= 2; ++k) {
            AssetFactory.AssetRequest memory r = _request(k, issuerAdmin, new uint256[](0));
            r.voting = true;
            KeelVotesToken t = KeelVotesToken(AssetFactory(sys.factories[k]).createAsset(r).token);
            assertTrue(t.votingEnabled());
        }
        KeelVotesToken off = KeelVotesToken(_create(1, issuerAdmin).token);
        assertFalse(off.votingEnabled());
    }

    /// @dev Each factory deploys its kind's token variant with the terms set on it, and
    /// bond, equity and fund always record historical balances.
    function test_createAsset_kindTokensCarryTheirTerms() public {
        KeelBondToken bond = KeelBondToken(_create(0, issuerAdmin).token);
        (uint256 face, uint64 maturity, address denomination) = bond.bondTerms();
        assertEq(face, 1000e18);
        assertEq(uint256(maturity), block.timestamp + 365 days);
        assertEq(denomination, address(0xD0D0));
        KeelFundToken fund = KeelFundToken(_create(2, issuerAdmin).token);
        (uint16 bps, address recipient,) = fund.managementFee();
        assertEq(uint256(bps), 150);
        assertEq(recipient, issuerAdmin);
        KeelStablecoinToken stable = KeelStablecoinToken(_create(3, issuerAdmin).token);
        assertEq(stable.collateralTopic(), 1001);
        bool[5] memory history = [true, true, true, false, false];
        for (uint256 k = 0; k < 5; ++k) {
            assertEq(KeelToken(_create(k, issuerAdmin).token).historicalBalancesEnabled(), history[k]);
        }
        AssetFactory.AssetRequest memory r = _request(4, issuerAdmin, new uint256[](0));
        r.historicalBalances = true;
        assertTrue(KeelToken(AssetFactory(sys.factories[4]).createAsset(r).token).historicalBalancesEnabled());
    }

    function test_createAsset_withoutUnpauseStaysPaused() public {
        AssetFactory.AssetRequest memory r = _fullRequest();
        r.unpause = false;
        KeelToken t = KeelToken(AssetFactory(sys.factories[EQUITY]).createAsset(r).token);
        assertTrue(t.paused());
        assertFalse(t.hasRole(KeelRoles.EMERGENCY_ROLE, sys.factories[EQUITY]));
    }

    /// @dev The configured asset enforces its modules and cap straight away.
    function test_createAsset_configuredAssetEnforcesRules() public {
        AssetFactory.Asset memory a = AssetFactory(sys.factories[EQUITY]).createAsset(_fullRequest());
        _onboard(a);
        KeelToken t = KeelToken(a.token);
        vm.prank(minter);
        t.mint(alice, 60);
        vm.prank(minter);
        vm.expectRevert(
            abi.encodeWithSelector(
                IKeelCompliance.ComplianceModuleRejected.selector,
                _module(4),
                abi.encodeWithSelector(MaxBalanceModule.MaxBalanceExceeded.selector, address(aliceId), 101, 100)
            )
        );
        t.mint(alice, 41);
        vm.prank(alice);
        t.transfer(bob, 10);
        assertEq(t.balanceOf(bob), 10);
    }

    function testFuzz_createAsset_capEnforced(uint256 cap, uint256 amount) public {
        cap = bound(cap, 1, 1e30);
        amount = bound(amount, 1, 2e30);
        AssetFactory.AssetRequest memory r = _fullRequest();
        r.modules = new AssetFactory.ComplianceModule[](0);
        r.cap = cap;
        AssetFactory.Asset memory a = AssetFactory(sys.factories[EQUITY]).createAsset(r);
        _onboard(a);
        KeelToken t = KeelToken(a.token);
        if (amount > cap) {
            vm.expectRevert(abi.encodeWithSelector(KeelToken.ExceededCap.selector, amount, cap));
        }
        vm.prank(minter);
        t.mint(alice, amount);
        assertLe(t.totalSupply(), cap);
    }

    KeelIdentity internal aliceId;

    function _onboard(AssetFactory.Asset memory a) internal {
        IdentityFactory idf = IdentityFactory(sys.identityFactory);
        address[] memory signers = new address[](1);
        signers[0] = vm.addr(SIGNER_PK);
        KeelClaimIssuer kyc = KeelClaimIssuer(payable(idf.createClaimIssuer(admin, signers)));
        uint256[] memory topics = new uint256[](1);
        topics[0] = KYC;
        TrustedIssuersRegistry(sys.systemIssuersRegistry).addTrustedIssuer(IClaimIssuer(address(kyc)), topics);
        address[] memory claimKeys = new address[](1);
        claimKeys[0] = admin;
        aliceId = KeelIdentity(payable(idf.createIdentity(alice, claimKeys)));
        KeelIdentity bobId = KeelIdentity(payable(idf.createIdentity(bob, claimKeys)));
        _kyc(kyc, aliceId);
        _kyc(kyc, bobId);
        IdentityRegistry(a.identityRegistry).registerIdentity(alice, IIdentity(address(aliceId)), 840);
        IdentityRegistry(a.identityRegistry).registerIdentity(bob, IIdentity(address(bobId)), 276);
    }

    function _kyc(KeelClaimIssuer kyc, KeelIdentity id) internal {
        bytes memory data = "kyc";
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(SIGNER_PK, kyc.claimDigest(address(id), KYC, 0, data));
        id.addClaim(KYC, 1, address(kyc), abi.encodePacked(r, s, v), data, "");
    }

    /// @dev One asset with three modules, cap, history, three grants and unpause.
    function test_gas_fullyConfiguredAsset() public {
        AssetFactory.AssetRequest memory r = _fullRequest();
        uint256 before = gasleft();
        AssetFactory(sys.factories[EQUITY]).createAsset(r);
        uint256 used = before - gasleft();
        emit log_named_uint("asset deployment, 3 modules + 3 config calls + cap + history + 3 grants + unpause", used);
        assertLt(used, 4_500_000);
    }

    event log_named_uint(string key, uint256 val);
}

/// @notice The system registry's compliance module list.
contract SystemRegistryModulesTest is SystemFixture {
    function test_bootstrapRegistersEveryModule() public view {
        SystemRegistry reg = SystemRegistry(sys.systemRegistry);
        address[] memory list = reg.complianceModules();
        assertEq(list.length, impls.complianceModules.length);
        for (uint256 i = 0; i < list.length; ++i) {
            assertTrue(reg.isComplianceModule(impls.complianceModules[i]));
        }
    }

    function test_registerAndRemove() public {
        SystemRegistry reg = SystemRegistry(sys.systemRegistry);
        address m = address(new MaxBalanceModule());
        assertFalse(reg.isComplianceModule(m));
        reg.registerComplianceModule(m);
        assertTrue(reg.isComplianceModule(m));
        vm.expectRevert(abi.encodeWithSelector(SystemRegistry.ComplianceModuleAlreadyRegistered.selector, m));
        reg.registerComplianceModule(m);
        reg.removeComplianceModule(m);
        assertFalse(reg.isComplianceModule(m));
        assertEq(reg.complianceModules().length, impls.complianceModules.length);
        vm.expectRevert(abi.encodeWithSelector(SystemRegistry.ComplianceModuleNotRegistered.selector, m));
        reg.removeComplianceModule(m);
        vm.expectRevert(KeelDirectory.ZeroAddress.selector);
        reg.registerComplianceModule(address(0));
    }

    function test_onlySystemManager() public {
        SystemRegistry reg = SystemRegistry(sys.systemRegistry);
        address m = address(new MaxBalanceModule());
        vm.prank(stranger);
        vm.expectRevert();
        reg.registerComplianceModule(m);
        vm.prank(stranger);
        vm.expectRevert();
        reg.removeComplianceModule(impls.complianceModules[0]);
    }
}
