// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SystemFixture} from "./SystemFixture.sol";
import {AssetFactory} from "../../src/system/factories/AssetFactory.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelStablecoinToken} from "../../src/token/KeelStablecoinToken.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";
import {IdentityFactory} from "../../src/identity/IdentityFactory.sol";
import {IdentityRegistry} from "../../src/identity/IdentityRegistry.sol";
import {TrustedIssuersRegistry} from "../../src/identity/TrustedIssuersRegistry.sol";
import {KeelClaimIssuer} from "../../src/identity/KeelClaimIssuer.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";
import {IClaimIssuer} from "../../src/interfaces/onchainid/IClaimIssuer.sol";

/// @notice Collateral-backed mint of the stablecoin kind, end to end through the system:
/// the collateral claim lives on the asset's own identity, from an issuer trusted for the
/// collateral topic (from the stablecoin terms).
contract StablecoinCollateralTest is SystemFixture {
    uint256 internal constant STABLECOIN = 3;
    uint256 internal constant COLLATERAL_TOPIC = 1001; // SystemFixture's stablecoin terms
    uint256 internal constant AUDITOR_PK = 0xA0D1;

    address internal issuerAdmin = makeAddr("issuerAdmin");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    AssetFactory.Asset internal asset;
    KeelStablecoinToken internal token;
    KeelClaimIssuer internal auditor;
    KeelClaimIssuer internal kyc;

    function setUp() public override {
        vm.warp(1_000_000);
        super.setUp();
        asset = _create(STABLECOIN, issuerAdmin);
        token = KeelStablecoinToken(asset.token);
        IdentityFactory idf = IdentityFactory(sys.identityFactory);
        address[] memory signers = new address[](1);
        signers[0] = vm.addr(SIGNER_PK);
        kyc = KeelClaimIssuer(payable(idf.createClaimIssuer(admin, signers)));
        signers[0] = vm.addr(AUDITOR_PK);
        auditor = KeelClaimIssuer(payable(idf.createClaimIssuer(admin, signers)));
        uint256[] memory t = new uint256[](1);
        t[0] = KYC;
        TrustedIssuersRegistry(sys.systemIssuersRegistry).addTrustedIssuer(IClaimIssuer(address(kyc)), t);
        t[0] = COLLATERAL_TOPIC;
        TrustedIssuersRegistry(sys.systemIssuersRegistry).addTrustedIssuer(IClaimIssuer(address(auditor)), t);
        address[] memory claimKeys = new address[](1);
        claimKeys[0] = admin;
        _holder(idf, alice, claimKeys, 840);
        _holder(idf, bob, claimKeys, 276);
        vm.prank(issuerAdmin);
        token.unpause();
    }

    function _holder(IdentityFactory idf, address wallet, address[] memory claimKeys, uint16 country) internal {
        KeelIdentity id = KeelIdentity(payable(idf.createIdentity(wallet, claimKeys)));
        bytes memory data = "kyc";
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(SIGNER_PK, kyc.claimDigest(address(id), KYC, 0, data));
        id.addClaim(KYC, 1, address(kyc), abi.encodePacked(r, s, v), data, "");
        IdentityRegistry(asset.identityRegistry).registerIdentity(wallet, IIdentity(address(id)), country);
    }

    /// @dev The auditor attests `amount` until `expiresAt` on the asset's identity (the
    /// asset admin holds its management key and stores the claim).
    function _attest(uint256 pk, address issuer, uint256 amount, uint256 expiresAt) internal returns (bytes memory sig) {
        bytes memory data = abi.encode(amount, expiresAt);
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(pk, KeelClaimIssuer(payable(issuer)).claimDigest(asset.onchainID, COLLATERAL_TOPIC, 0, data));
        sig = abi.encodePacked(r, s, v);
        vm.prank(issuerAdmin);
        KeelIdentity(payable(asset.onchainID)).addClaim(COLLATERAL_TOPIC, 1, issuer, sig, data, "");
    }

    function _mint(address to, uint256 amount) internal {
        vm.prank(issuerAdmin);
        token.mint(to, amount);
    }

    function test_factorySetsCollateralTopic() public view {
        assertEq(token.collateralTopic(), COLLATERAL_TOPIC);
        (uint256 amount, uint64 expiresAt) = token.collateral();
        assertEq(amount, 0);
        assertEq(uint256(expiresAt), 0);
    }

    function test_mintWithoutCollateralRefused() public {
        vm.prank(issuerAdmin);
        vm.expectRevert(abi.encodeWithSelector(KeelStablecoinToken.InsufficientCollateral.selector, 1, 0));
        token.mint(alice, 1);
    }

    function test_mintUpToCollateral() public {
        _attest(AUDITOR_PK, address(auditor), 1_000e18, block.timestamp + 30 days);
        (uint256 amount, uint64 expiresAt) = token.collateral();
        assertEq(amount, 1_000e18);
        assertEq(uint256(expiresAt), block.timestamp + 30 days);
        _mint(alice, 600e18);
        _mint(bob, 400e18);
        vm.prank(issuerAdmin);
        vm.expectRevert(
            abi.encodeWithSelector(KeelStablecoinToken.InsufficientCollateral.selector, 1_000e18 + 1, 1_000e18)
        );
        token.mint(alice, 1);
        // Burning frees room; transfers need no collateral.
        vm.prank(issuerAdmin);
        token.burn(bob, 100e18);
        _mint(alice, 100e18);
        vm.prank(alice);
        token.transfer(bob, 1e18);
    }

    function test_expiredCollateralRefusesMintNotTransfers() public {
        _attest(AUDITOR_PK, address(auditor), 1_000e18, block.timestamp + 1 days);
        _mint(alice, 10e18);
        vm.warp(block.timestamp + 1 days);
        vm.prank(issuerAdmin);
        vm.expectRevert(abi.encodeWithSelector(KeelStablecoinToken.InsufficientCollateral.selector, 11e18, 0));
        token.mint(alice, 1e18);
        vm.prank(alice);
        token.transfer(bob, 5e18);
        vm.prank(issuerAdmin);
        token.forcedTransfer(bob, alice, 1e18);
        assertEq(token.balanceOf(bob), 4e18);
        // A fresh attestation restores minting.
        _attest(AUDITOR_PK, address(auditor), 50e18, block.timestamp + 1 days);
        _mint(alice, 40e18);
    }

    function test_revokedCollateralClaimRefused() public {
        bytes memory sig = _attest(AUDITOR_PK, address(auditor), 1_000e18, block.timestamp + 30 days);
        _mint(alice, 1e18);
        auditor.revokeClaimBySignature(sig);
        vm.prank(issuerAdmin);
        vm.expectRevert(abi.encodeWithSelector(KeelStablecoinToken.InsufficientCollateral.selector, 2e18, 0));
        token.mint(alice, 1e18);
    }

    function test_untrustedIssuerIgnored() public {
        uint256 roguePk = 0xBAD;
        address[] memory signers = new address[](1);
        signers[0] = vm.addr(roguePk);
        address rogue = IdentityFactory(sys.identityFactory).createClaimIssuer(admin, signers);
        _attest(roguePk, rogue, 1_000e18, block.timestamp + 30 days);
        vm.prank(issuerAdmin);
        vm.expectRevert(abi.encodeWithSelector(KeelStablecoinToken.InsufficientCollateral.selector, 1, 0));
        token.mint(alice, 1);
        // Trusted at the asset tier by the asset's own claim policy manager: counts.
        uint256[] memory t = new uint256[](1);
        t[0] = COLLATERAL_TOPIC;
        vm.prank(issuerAdmin);
        TrustedIssuersRegistry(asset.issuersRegistry).addTrustedIssuer(IClaimIssuer(rogue), t);
        _mint(alice, 1);
    }

    function test_malformedClaimDataIgnored() public {
        bytes memory data = abi.encode(uint256(1_000e18)); // no expiry
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(AUDITOR_PK, auditor.claimDigest(asset.onchainID, COLLATERAL_TOPIC, 0, data));
        vm.prank(issuerAdmin);
        KeelIdentity(payable(asset.onchainID)).addClaim(
            COLLATERAL_TOPIC, 1, address(auditor), abi.encodePacked(r, s, v), data, ""
        );
        (uint256 amount,) = token.collateral();
        assertEq(amount, 0);
    }

    function test_capAppliesToo() public {
        _attest(AUDITOR_PK, address(auditor), 1_000e18, block.timestamp + 30 days);
        vm.prank(issuerAdmin);
        token.setCap(100e18);
        vm.prank(issuerAdmin);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.ExceededCap.selector, 101e18, 100e18));
        token.mint(alice, 101e18);
    }

    function test_setCollateralTopic_governanceOnly() public {
        vm.prank(alice);
        vm.expectRevert();
        token.setCollateralTopic(7);
        vm.prank(issuerAdmin);
        vm.expectRevert(KeelStablecoinToken.InvalidCollateralTopic.selector);
        token.setCollateralTopic(0);
        vm.prank(issuerAdmin);
        token.setCollateralTopic(7);
        assertEq(token.collateralTopic(), 7);
    }

    function testFuzz_mintSucceedsIffCovered(uint256 collateral, uint256 amount) public {
        collateral = bound(collateral, 0, 1e40);
        amount = bound(amount, 1, 1e40);
        if (collateral > 0) _attest(AUDITOR_PK, address(auditor), collateral, block.timestamp + 1 days);
        vm.prank(issuerAdmin);
        if (amount > collateral) {
            vm.expectRevert(
                abi.encodeWithSelector(KeelStablecoinToken.InsufficientCollateral.selector, amount, collateral)
            );
        }
        token.mint(alice, amount);
        assertLe(token.totalSupply(), collateral);
    }
}
