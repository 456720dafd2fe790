// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SystemFixture} from "./SystemFixture.sol";
import {AssetFactory} from "../../src/system/factories/AssetFactory.sol";
import {
    BondFactory,
    EquityFactory,
    FundFactory,
    StablecoinFactory,
    DepositFactory
} from "../../src/system/factories/AssetFactories.sol";
import {KeelAccessManaged} from "../../src/system/access/KeelAccessManaged.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {SystemRegistry} from "../../src/system/SystemRegistry.sol";
import {ModularCompliance} from "../../src/compliance/ModularCompliance.sol";
import {IdentityRegistry} from "../../src/identity/IdentityRegistry.sol";
import {IdentityRegistryStorage} from "../../src/identity/IdentityRegistryStorage.sol";
import {IdentityFactory} from "../../src/identity/IdentityFactory.sol";
import {ClaimTopicsRegistry} from "../../src/identity/ClaimTopicsRegistry.sol";
import {TrustedIssuersRegistry} from "../../src/identity/TrustedIssuersRegistry.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {KeelClaimIssuer} from "../../src/identity/KeelClaimIssuer.sol";
import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";
import {IClaimIssuer} from "../../src/interfaces/onchainid/IClaimIssuer.sol";

contract AssetFactoryTest is SystemFixture {
    address internal issuerAdmin = makeAddr("issuerAdmin");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    // ---------------------------------------------------------------- every kind

    function test_createAsset_everyKindWiredAndRegistered() public {
        SystemRegistry reg = SystemRegistry(sys.systemRegistry);
        string[5] memory kinds = ["bond", "equity", "fund", "stablecoin", "deposit"];
        for (uint256 k = 0; k < 5; ++k) {
            AssetFactory.Asset memory a = _create(k, issuerAdmin);
            KeelToken t = KeelToken(a.token);
            assertTrue(t.paused());
            assertEq(address(t.identityRegistry()), a.identityRegistry);
            assertEq(address(t.compliance()), a.compliance);
            assertEq(t.onchainID(), a.onchainID);
            assertEq(t.metadataValue("assetKind"), kinds[k]);
            assertEq(ModularCompliance(a.compliance).getTokenBound(), a.token);
            assertEq(ModularCompliance(a.compliance).globalCompliance(), sys.globalCompliance);
            assertTrue(IdentityRegistryStorage(sys.identityStorage).isRegistryBound(a.identityRegistry));
            assertEq(TrustedIssuersRegistry(a.issuersRegistry).parentRegistry(), sys.systemIssuersRegistry);
            assertEq(ClaimTopicsRegistry(a.topicsRegistry).getClaimTopics()[0], KYC);
            assertTrue(KeelIdentity(payable(a.onchainID)).keyHasPurpose(keccak256(abi.encode(issuerAdmin)), 1));
            assertTrue(reg.isAsset(a.token));
            assertEq(reg.assetKind(a.token), AssetFactory(sys.factories[k]).kind());
            _assertRolesHandedOver(t, sys.factories[k]);
        }
        assertEq(reg.assetCount(), 5);
    }

    function _assertRolesHandedOver(KeelToken t, address factory) internal view {
        bytes32[6] memory roles = [
            t.DEFAULT_ADMIN_ROLE(),
            KeelRoles.GOVERNANCE_ROLE,
            KeelRoles.SUPPLY_MANAGEMENT_ROLE,
            KeelRoles.CUSTODIAN_ROLE,
            KeelRoles.EMERGENCY_ROLE,
            KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE
        ];
        for (uint256 i = 0; i < roles.length; ++i) {
            assertTrue(t.hasRole(roles[i], issuerAdmin));
            assertFalse(t.hasRole(roles[i], factory));
        }
    }

    function test_bondTermsRecorded() public {
        AssetFactory.Asset memory a = _create(0, issuerAdmin);
        KeelToken t = KeelToken(a.token);
        assertEq(t.metadataValue("faceValue"), "1000000000000000000000");
        assertEq(t.metadataValue("denominationAsset"), "0x000000000000000000000000000000000000d0d0");
    }

    function test_fundAndStablecoinTermsRecorded() public {
        assertEq(KeelToken(_create(2, issuerAdmin).token).metadataValue("managementFeeBps"), "150");
        assertEq(KeelToken(_create(3, issuerAdmin).token).metadataValue("pegCurrency"), "USD");
        assertEq(KeelToken(_create(4, issuerAdmin).token).metadataValue("currency"), "EUR");
        assertEq(KeelToken(_create(1, issuerAdmin).token).metadataValue("shareClass"), "A");
    }

    function test_invalidTermsRevert() public {
        uint256[] memory none = new uint256[](0);
        AssetFactory.AssetRequest memory r = _request(0, issuerAdmin, none);
        r.terms = abi.encode(uint256(0), uint64(block.timestamp + 1), address(1));
        vm.expectRevert(BondFactory.InvalidBondTerms.selector);
        AssetFactory(sys.factories[0]).createAsset(r);
        r.terms = abi.encode(uint256(1), uint64(block.timestamp), address(1));
        vm.expectRevert(BondFactory.InvalidBondTerms.selector);
        AssetFactory(sys.factories[0]).createAsset(r);

        r = _request(1, issuerAdmin, none);
        r.terms = abi.encode("", "common");
        vm.expectRevert(EquityFactory.InvalidEquityTerms.selector);
        AssetFactory(sys.factories[1]).createAsset(r);

        r = _request(2, issuerAdmin, none);
        r.terms = abi.encode(uint16(1001), "x");
        vm.expectRevert(FundFactory.InvalidFundTerms.selector);
        AssetFactory(sys.factories[2]).createAsset(r);

        r = _request(3, issuerAdmin, none);
        r.terms = abi.encode("USD", uint256(0));
        vm.expectRevert(StablecoinFactory.InvalidStablecoinTerms.selector);
        AssetFactory(sys.factories[3]).createAsset(r);

        r = _request(4, issuerAdmin, none);
        r.terms = abi.encode("", "bank");
        vm.expectRevert(DepositFactory.InvalidDepositTerms.selector);
        AssetFactory(sys.factories[4]).createAsset(r);
    }

    function test_createAsset_withoutDeployerRoleReverts() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(KeelAccessManaged.MissingRole.selector, stranger, KeelSystemRoles.TOKEN_DEPLOYER_ROLE)
        );
        _create(0, issuerAdmin);
    }

    function test_createAsset_zeroAdminReverts() public {
        vm.expectRevert(AssetFactory.ZeroAddress.selector);
        _create(1, address(0));
    }

    function test_setConfig_adminOnly() public {
        AssetFactory f = AssetFactory(sys.factories[0]);
        AssetFactory.Config memory c = f.config();
        c.tokenImplementation = address(new KeelToken(true));
        vm.prank(stranger);
        vm.expectRevert();
        f.setConfig(c);
        f.setConfig(c);
        assertEq(f.config().tokenImplementation, c.tokenImplementation);
        c.identityStorage = address(0);
        vm.expectRevert(AssetFactory.ZeroAddress.selector);
        f.setConfig(c);
    }

    function test_factory_upgradeAdminOnly() public {
        address impl = address(new BondFactory());
        vm.prank(stranger);
        vm.expectRevert();
        AssetFactory(sys.factories[0]).upgradeToAndCall(impl, "");
        AssetFactory(sys.factories[0]).upgradeToAndCall(impl, "");
        assertEq(AssetFactory(sys.factories[0]).kind(), bytes32("bond"));
    }

    function test_token_isUupsUpgradeableByAssetAdmin() public {
        AssetFactory.Asset memory a = _create(0, issuerAdmin);
        address impl = address(new KeelToken(true));
        vm.expectRevert();
        KeelToken(a.token).upgradeToAndCall(impl, "");
        vm.prank(issuerAdmin);
        KeelToken(a.token).upgradeToAndCall(impl, "");
        assertEq(KeelToken(a.token).name(), "Keel Bond");
    }

    function testFuzz_createAsset_anyNameSymbolDecimals(string calldata name, string calldata symbol, uint8 decimals)
        public
    {
        AssetFactory.AssetRequest memory r = _request(1, issuerAdmin, new uint256[](0));
        r.name = name;
        r.symbol = symbol;
        r.decimals = decimals;
        KeelToken t = KeelToken(AssetFactory(sys.factories[1]).createAsset(r).token);
        assertEq(t.name(), name);
        assertEq(t.symbol(), symbol);
        assertEq(uint256(t.decimals()), uint256(decimals));
    }

    // ---------------------------------------------------------------- end to end

    struct Investors {
        KeelClaimIssuer kyc;
        KeelIdentity aliceId;
        KeelIdentity bobId;
    }

    /// @dev Claim issuer trusted at the system tier, two KYC'd investors registered.
    function _onboard(AssetFactory.Asset memory a) internal returns (Investors memory inv) {
        IdentityFactory idf = IdentityFactory(sys.identityFactory);
        address[] memory signers = new address[](1);
        signers[0] = vm.addr(SIGNER_PK);
        inv.kyc = KeelClaimIssuer(payable(idf.createClaimIssuer(admin, signers)));
        uint256[] memory t = new uint256[](1);
        t[0] = KYC;
        TrustedIssuersRegistry(sys.systemIssuersRegistry).addTrustedIssuer(IClaimIssuer(address(inv.kyc)), t);
        address[] memory claimKeys = new address[](1);
        claimKeys[0] = admin;
        inv.aliceId = KeelIdentity(payable(idf.createIdentity(alice, claimKeys)));
        inv.bobId = KeelIdentity(payable(idf.createIdentity(bob, claimKeys)));
        _kyc(inv.kyc, inv.aliceId);
        _kyc(inv.kyc, inv.bobId);
        IdentityRegistry(a.identityRegistry).registerIdentity(alice, IIdentity(address(inv.aliceId)), 840);
        IdentityRegistry(a.identityRegistry).registerIdentity(bob, IIdentity(address(inv.bobId)), 276);
    }

    function _kyc(KeelClaimIssuer kyc, KeelIdentity id) internal {
        bytes memory data = "kyc";
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(SIGNER_PK, kyc.claimDigest(address(id), KYC, 0, data));
        id.addClaim(KYC, 1, address(kyc), abi.encodePacked(r, s, v), data, "");
    }

    function _live(AssetFactory.Asset memory a) internal returns (KeelToken t) {
        t = KeelToken(a.token);
        vm.prank(issuerAdmin);
        t.unpause();
    }

    function test_e2e_mintTransferBetweenVerifiedInvestors() public {
        AssetFactory.Asset memory a = _create(0, issuerAdmin);
        _onboard(a);
        KeelToken t = _live(a);
        vm.prank(issuerAdmin);
        t.mint(alice, 100);
        vm.prank(alice);
        t.transfer(bob, 40);
        assertEq(t.balanceOf(bob), 40);
        assertEq(t.balanceOf(alice), 60);
    }

    function test_e2e_unverifiedRecipientReverts() public {
        AssetFactory.Asset memory a = _create(2, issuerAdmin);
        _onboard(a);
        KeelToken t = _live(a);
        vm.prank(issuerAdmin);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.RecipientNotVerified.selector, stranger));
        t.mint(stranger, 1);
    }

    function test_e2e_revokedClaimBlocksTransfer() public {
        AssetFactory.Asset memory a = _create(1, issuerAdmin);
        Investors memory inv = _onboard(a);
        KeelToken t = _live(a);
        vm.prank(issuerAdmin);
        t.mint(alice, 10);
        inv.kyc.revokeClaim(keccak256(abi.encode(address(inv.kyc), KYC)), address(inv.bobId));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.RecipientNotVerified.selector, bob));
        t.transfer(bob, 1);
    }

    /// @dev The whole state copied to another chain id: claims signed for this chain do not
    /// verify there, so no transfer can happen.
    function test_e2e_crossChainReplayBlocksTransfer() public {
        AssetFactory.Asset memory a = _create(4, issuerAdmin);
        _onboard(a);
        KeelToken t = _live(a);
        vm.prank(issuerAdmin);
        t.mint(alice, 10);
        uint256 home = block.chainid;
        vm.chainId(home + 7);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.RecipientNotVerified.selector, bob));
        t.transfer(bob, 1);
        vm.chainId(home);
        vm.prank(alice);
        t.transfer(bob, 1);
    }

    function test_e2e_lostWalletRecovery() public {
        AssetFactory.Asset memory a = _create(4, issuerAdmin);
        Investors memory inv = _onboard(a);
        KeelToken t = _live(a);
        vm.prank(issuerAdmin);
        t.mint(alice, 10);
        address aliceNew = makeAddr("aliceNew");
        IdentityRegistry(a.identityRegistry).recoverIdentity(alice, aliceNew);
        assertFalse(IdentityRegistry(a.identityRegistry).isVerified(alice));
        vm.prank(issuerAdmin);
        t.recoveryAddress(alice, aliceNew, address(inv.aliceId));
        assertEq(t.balanceOf(aliceNew), 10);
        // The lost wallet can never receive again.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.RecipientNotVerified.selector, alice));
        t.transfer(alice, 0);
    }

    /// @dev The asset's own role holders manage its tier: the asset admin trusts an issuer
    /// for this asset only.
    function test_e2e_assetTierTrustIsLocal() public {
        AssetFactory.Asset memory a1 = _create(0, issuerAdmin);
        AssetFactory.Asset memory a2 = _create(1, issuerAdmin);
        uint256[] memory t = new uint256[](1);
        t[0] = 42;
        vm.prank(issuerAdmin);
        TrustedIssuersRegistry(a1.issuersRegistry).addTrustedIssuer(IClaimIssuer(address(0xBEEF)), t);
        assertTrue(TrustedIssuersRegistry(a1.issuersRegistry).isTrustedIssuer(address(0xBEEF)));
        assertFalse(TrustedIssuersRegistry(a2.issuersRegistry).isTrustedIssuer(address(0xBEEF)));
        vm.prank(stranger);
        vm.expectRevert();
        TrustedIssuersRegistry(a1.issuersRegistry).addTrustedIssuer(IClaimIssuer(address(0xBEEF)), t);
    }

    /// @dev Gas of deploying one asset through its factory (token, compliance, three
    /// registries, asset identity, wiring, role hand-over, registration).
    function test_gas_assetDeploymentThroughFactory() public {
        uint256[] memory topics = new uint256[](1);
        topics[0] = KYC;
        AssetFactory.AssetRequest memory r = _request(1, issuerAdmin, topics);
        uint256 before = gasleft();
        AssetFactory(sys.factories[1]).createAsset(r);
        uint256 used = before - gasleft();
        emit log_named_uint("asset deployment through factory gas (equity, 1 required topic)", used);
        assertLt(used, 3_500_000);
    }

    event log_named_uint(string key, uint256 val);
}

/// @notice An asset's own role holders cannot write the storage every asset shares.
contract AssetRoleIsolationTest is SystemFixture {
    address internal issuerAdmin = makeAddr("issuerAdmin");
    address internal victim = makeAddr("victim");

    function test_assetIdentityManagerCannotTouchSharedStorage() public {
        AssetFactory.Asset memory a = _create(0, issuerAdmin);
        AssetFactory.Asset memory other = _create(1, admin);
        IdentityRegistry(other.identityRegistry).registerIdentity(victim, IIdentity(address(0x1D)), 840);
        address rogue = makeAddr("rogue");
        vm.prank(issuerAdmin);
        KeelToken(a.token).grantRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE, rogue);
        IdentityRegistry reg = IdentityRegistry(a.identityRegistry);
        bytes memory denied =
            abi.encodeWithSelector(KeelAccessManaged.MissingRole.selector, rogue, KeelSystemRoles.IDENTITY_MANAGER_ROLE);
        vm.startPrank(rogue);
        vm.expectRevert(denied);
        reg.registerIdentity(rogue, IIdentity(address(0x1E)), 840);
        vm.expectRevert(denied);
        reg.deleteIdentity(victim);
        vm.expectRevert(denied);
        reg.updateIdentity(victim, IIdentity(address(0x1E)));
        vm.expectRevert(denied);
        reg.updateCountry(victim, 1);
        vm.expectRevert(denied);
        reg.markWalletLost(victim);
        vm.expectRevert(denied);
        reg.recoverIdentity(victim, rogue);
        vm.stopPrank();
        assertEq(address(IdentityRegistry(other.identityRegistry).identity(victim)), address(0x1D));
    }
}
