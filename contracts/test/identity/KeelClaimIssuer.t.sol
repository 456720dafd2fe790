// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IdentityFixture} from "./IdentityFixture.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {KeelClaimIssuer} from "../../src/identity/KeelClaimIssuer.sol";
import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";

contract KeelClaimIssuerTest is IdentityFixture {
    bytes32 internal claimId;

    function setUp() public override {
        super.setUp();
        claimId = keccak256(abi.encode(address(kycIssuer), KYC));
    }

    function _valid(KeelIdentity id, uint256 topic) internal view returns (bool) {
        (,,, bytes memory sig, bytes memory data,) = id.getClaim(keccak256(abi.encode(address(kycIssuer), topic)));
        return kycIssuer.isClaimValid(IIdentity(address(id)), topic, sig, data);
    }

    function test_isClaimValid_signedByClaimKey() public {
        _issue(kycIssuer, aliceId, KYC, 0);
        assertTrue(_valid(aliceId, KYC));
    }

    function test_isClaimValid_wrongTopicFalse() public {
        bytes memory sig = _issue(kycIssuer, aliceId, KYC, 0);
        assertFalse(kycIssuer.isClaimValid(IIdentity(address(aliceId)), AML, sig, abi.encode("verified", KYC)));
    }

    function test_isClaimValid_wrongIdentityFalse() public {
        bytes memory sig = _issue(kycIssuer, aliceId, KYC, 0);
        assertFalse(kycIssuer.isClaimValid(IIdentity(address(bobId)), KYC, sig, abi.encode("verified", KYC)));
    }

    function test_isClaimValid_tamperedDataFalse() public {
        bytes memory sig = _issue(kycIssuer, aliceId, KYC, 0);
        assertFalse(kycIssuer.isClaimValid(IIdentity(address(aliceId)), KYC, sig, "tampered"));
    }

    function test_isClaimValid_garbageSignatureFalse() public view {
        assertFalse(kycIssuer.isClaimValid(IIdentity(address(aliceId)), KYC, hex"1234", ""));
    }

    function test_isClaimValid_removedSigningKeyFalse() public {
        _issue(kycIssuer, aliceId, KYC, 0);
        vm.prank(issuerOwner);
        kycIssuer.removeKey(_key(signer), 3);
        assertFalse(_valid(aliceId, KYC));
    }

    function test_isClaimValid_managementKeyIsNotASigner() public {
        // Only CLAIM keys sign: the owner's management key does not.
        bytes memory data = "x";
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OTHER_PK, kycIssuer.claimDigest(address(aliceId), KYC, 0, data));
        vm.prank(issuerOwner);
        kycIssuer.addKey(_key(vm.addr(OTHER_PK)), 1, 1);
        assertFalse(kycIssuer.isClaimValid(IIdentity(address(aliceId)), KYC, abi.encodePacked(r, s, v), data));
    }

    function test_isClaimValid_expires() public {
        vm.warp(10_000);
        _issue(kycIssuer, aliceId, KYC, 10_500);
        assertTrue(_valid(aliceId, KYC));
        vm.warp(10_499);
        assertTrue(_valid(aliceId, KYC));
        vm.warp(10_500);
        assertFalse(_valid(aliceId, KYC));
    }

    /// @dev The headline property: a claim signed on one chain is worthless on another,
    /// even for an identity and issuer at the same addresses.
    function test_crossChainReplay_claimRejectedOnOtherChain() public {
        vm.chainId(1);
        bytes memory sig = _issue(kycIssuer, aliceId, KYC, 0);
        assertTrue(_valid(aliceId, KYC));
        vm.chainId(137);
        assertFalse(_valid(aliceId, KYC));
        // Adding the same signed claim on the other chain is refused too.
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.InvalidClaim.selector, address(kycIssuer), KYC));
        aliceId.addClaim(KYC, 1, address(kycIssuer), sig, abi.encode("verified", KYC), "");
        vm.chainId(1);
        assertTrue(_valid(aliceId, KYC));
    }

    function testFuzz_crossChainReplay(uint64 chainA, uint64 chainB, bytes calldata data) public {
        vm.assume(chainA != 0 && chainB != 0 && chainA != chainB);
        vm.chainId(chainA);
        bytes memory sig = _sign(SIGNER_PK, kycIssuer, address(aliceId), KYC, 0, data);
        assertTrue(kycIssuer.isClaimValid(IIdentity(address(aliceId)), KYC, sig, data));
        vm.chainId(chainB);
        assertFalse(kycIssuer.isClaimValid(IIdentity(address(aliceId)), KYC, sig, data));
    }

    function test_claimDigest_bindsIssuer() public {
        address[] memory keys = new address[](1);
        keys[0] = signer;
        vm.prank(identityManager);
        KeelClaimIssuer other = KeelClaimIssuer(payable(factory.createClaimIssuer(stranger, keys)));
        bytes memory sig = _sign(SIGNER_PK, kycIssuer, address(aliceId), KYC, 0, "x");
        assertTrue(kycIssuer.isClaimValid(IIdentity(address(aliceId)), KYC, sig, "x"));
        assertFalse(other.isClaimValid(IIdentity(address(aliceId)), KYC, sig, "x"));
    }

    // ---------------------------------------------------------------- revocation

    function test_revokeClaim() public {
        bytes memory sig = _issue(kycIssuer, aliceId, KYC, 0);
        vm.prank(issuerOwner);
        assertTrue(kycIssuer.revokeClaim(claimId, address(aliceId)));
        assertTrue(kycIssuer.isClaimRevoked(sig));
        assertFalse(_valid(aliceId, KYC));
    }

    function test_revokeClaim_notOwnClaimReverts() public {
        vm.prank(issuerOwner);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NoSuchClaim.selector, claimId));
        kycIssuer.revokeClaim(claimId, address(aliceId));
    }

    function test_revokeClaim_strangerReverts() public {
        _issue(kycIssuer, aliceId, KYC, 0);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NotAuthorized.selector, stranger, 1));
        kycIssuer.revokeClaim(claimId, address(aliceId));
    }

    function test_revokeClaimBySignature() public {
        bytes memory sig = _issue(kycIssuer, aliceId, KYC, 0);
        vm.prank(issuerOwner);
        kycIssuer.revokeClaimBySignature(sig);
        assertFalse(_valid(aliceId, KYC));
        vm.prank(issuerOwner);
        vm.expectRevert(KeelClaimIssuer.ClaimAlreadyRevoked.selector);
        kycIssuer.revokeClaimBySignature(sig);
    }

    function test_revokeClaimBySignature_signerKeyCannotRevoke() public {
        bytes memory sig = _issue(kycIssuer, aliceId, KYC, 0);
        vm.prank(signer);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.NotAuthorized.selector, signer, 1));
        kycIssuer.revokeClaimBySignature(sig);
    }

    function test_revokedClaimCannotBeAddedAgain() public {
        bytes memory sig = _issue(kycIssuer, aliceId, KYC, 0);
        vm.prank(issuerOwner);
        kycIssuer.revokeClaimBySignature(sig);
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(KeelIdentity.InvalidClaim.selector, address(kycIssuer), KYC));
        aliceId.addClaim(KYC, 1, address(kycIssuer), sig, abi.encode("verified", KYC), "");
    }

    function testFuzz_isClaimValid_onlyForSignedTuple(uint256 topic, uint256 otherTopic, bytes calldata data) public {
        vm.assume(topic != otherTopic);
        bytes memory sig = _sign(SIGNER_PK, kycIssuer, address(aliceId), topic, 0, data);
        assertTrue(kycIssuer.isClaimValid(IIdentity(address(aliceId)), topic, sig, data));
        assertFalse(kycIssuer.isClaimValid(IIdentity(address(aliceId)), otherTopic, sig, data));
        assertFalse(kycIssuer.isClaimValid(IIdentity(address(bobId)), topic, sig, data));
    }
}
